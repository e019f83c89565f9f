/* vp-account.h: premises, customers, accounts, meters and tariff records
 *
 * Contract:
 * - Every function that writes checks the actor's role with vp_session_require() before
 *   it touches the database, runs as ONE transaction (vp_database_begin … commit) and
 *   appends one audit row with before/after JSON inside that transaction, so the change
 *   and its record commit together or not at all.
 * - Accounts are named by their number: 8 digits, a 7-digit sequence from 1000001 and
 *   a Luhn check digit ("10000016"), so a mistyped digit is caught before any lookup.
 * - A room is named by its label "BUILDING-ROOM" ("3-402": building 3, floor 4, room
 *   402); opening an account in an unknown room of that shape creates it on the default
 *   site (setting "site.name").
 * - The search index (vp-search) is updated in the same transaction as every change of
 *   a customer, an account or its meters.
 * - Money is gint64 fen, readings are gint64 0.01 kWh / 0.01 m³, areas 0.01 m².
 */
#pragma once

#include "vp-ledger.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_ACCOUNT_STATUS_OPEN,
  VP_ACCOUNT_STATUS_SUSPENDED,
  VP_ACCOUNT_STATUS_CLOSED,
} VpAccountStatus;

typedef enum
{
  VP_ACCOUNT_MODE_PREPAID,
  VP_ACCOUNT_MODE_POSTPAID,
} VpAccountMode;

typedef enum
{
  VP_METER_KIND_ELECTRICITY,
  VP_METER_KIND_WATER,
} VpMeterKind;

typedef enum
{
  VP_METER_PROTOCOL_DLT645,   /* 12-digit address, PROTOCOLS.md "DL/T 645-2007" */
  VP_METER_PROTOCOL_CJT188,   /* 14-digit address, PROTOCOLS.md "CJ/T 188-2004" */
} VpMeterProtocol;

typedef enum
{
  VP_METER_STATUS_ACTIVE,
  VP_METER_STATUS_REPLACED,
  VP_METER_STATUS_REMOVED,
} VpMeterStatus;

/* Defaults of vp_account_spec_init(): alarms at 50.00 and 20.00 yuan, trip at 0. They
 * are also the fallbacks of the settings below, which an administrator may change. */
#define VP_ACCOUNT_DEFAULT_ALARM1  5000
#define VP_ACCOUNT_DEFAULT_ALARM2  2000
#define VP_ACCOUNT_DEFAULT_TRIP    0
/* Settings (yuan text, vp-settings.h) read by vp_account_spec_init_defaults(). */
#define VP_ACCOUNT_DEFAULT_ALARM1_KEY  "account.default_alarm1"
#define VP_ACCOUNT_DEFAULT_ALARM2_KEY  "account.default_alarm2"
#define VP_ACCOUNT_DEFAULT_TRIP_KEY    "account.default_trip"
#define VP_ACCOUNT_SITE_KEY        "site.name"

/* What to install: the caller owns the strings. */
typedef struct
{
  VpMeterKind      kind;
  VpMeterProtocol  protocol;
  const char      *address;          /* 12 digits (DL/T 645) or 14 digits (CJ/T 188) */
  const char      *link;             /* link URI, nullable (checked by devices/) */
  int              password_level;   /* DL/T 645 password level, 0..9 */
  const char      *password;         /* nullable */
  const char      *operator_code;    /* nullable */
  gint64           multiplier;       /* CT × PT, >= 1 */
  gint64           install_reading;  /* register at installation, 0.01 units, >= 0 */
} VpMeterSpec;

/* A stored meter. */
typedef struct
{
  gint64           id;
  gint64           account_id;
  VpMeterKind      kind;
  VpMeterProtocol  protocol;
  char            *address;
  char            *link;
  int              password_level;
  char            *password;
  char            *operator_code;
  gint64           multiplier;
  gint64           install_reading;
  gint64           final_reading;    /* -1 while installed */
  VpMeterStatus    status;
  gint64           replaced_by;      /* meter id, 0 when none */
  char            *installed_at;
  char            *removed_at;       /* NULL while installed */
} VpMeter;

/* What to open: the caller owns the strings. Start from vp_account_spec_init(). */
typedef struct
{
  const char      *name;             /* customer, required */
  const char      *phone;            /* nullable */
  const char      *id_number;        /* nullable */
  const char      *address;          /* nullable */
  const char      *room;             /* room label "3-402", nullable */
  VpAccountMode    mode;
  const char      *tariff;           /* tariff name (vp_tariff_define), nullable */
  gint64           alarm1;           /* fen; alarm1 >= alarm2 >= trip */
  gint64           alarm2;
  gint64           trip;             /* may be negative: credit allowed down to it */
  /* Optional opening top-up (needs the actor's open shift when > 0). */
  gint64           opening_topup;
  VpPaymentMethod  method;
  const char      *reference;
  gint64           tendered;
} VpAccountSpec;

/* A stored account with its customer, room and meters. */
typedef struct
{
  gint64           id;
  char            *number;
  VpAccountStatus  status;
  VpAccountMode    mode;
  gint64           customer_id;
  char            *name;
  char            *phone;
  char            *id_number;
  char            *address;
  gint64           room_id;          /* 0 when none */
  char            *room;             /* label, NULL when none */
  gint64           area;             /* 0.01 m² */
  char            *tariff;
  gint64           alarm1;
  gint64           alarm2;
  gint64           trip;
  gint64           balance;          /* fen, the ledger sum */
  gint64           close_debt;       /* fen owed when closed in debt, else 0 */
  char            *opened_at;
  char            *closed_at;
  GPtrArray       *meters;           /* VpMeter *, installation order */
} VpAccount;

const char *vp_account_status_to_string   (VpAccountStatus   status);
gboolean    vp_account_status_from_string (const char       *text,
                                           VpAccountStatus  *out_status);
const char *vp_account_mode_to_string     (VpAccountMode     mode);
gboolean    vp_account_mode_from_string   (const char       *text,
                                           VpAccountMode    *out_mode);
const char *vp_meter_kind_to_string       (VpMeterKind       kind);
gboolean    vp_meter_kind_from_string     (const char       *text,
                                           VpMeterKind      *out_kind);
const char *vp_meter_protocol_to_string   (VpMeterProtocol   protocol);
gboolean    vp_meter_protocol_from_string (const char       *text,
                                           VpMeterProtocol  *out_protocol);
const char *vp_meter_status_to_string     (VpMeterStatus     status);
gboolean    vp_meter_status_from_string   (const char       *text,
                                           VpMeterStatus    *out_status);

/* TRUE when @number has 8 digits and a valid Luhn check digit. */
gboolean    vp_account_number_is_valid    (const char       *number);
/* The account number for sequence @seq (1 → "10000016"). */
char       *vp_account_number_for_seq     (gint64            seq);

void        vp_account_spec_init          (VpAccountSpec    *spec);
/* vp_account_spec_init() with the thresholds new accounts get at this counter: the
 * settings VP_ACCOUNT_DEFAULT_*_KEY, or the VP_ACCOUNT_DEFAULT_* constants when they are
 * unset or (edited by hand) unreadable or out of order. Front ends start from this and
 * override only what the operator typed. */
void        vp_account_spec_init_defaults (VpDatabase       *db,
                                           VpAccountSpec    *spec);
/* TRUE when alarm 1 ≥ alarm 2 ≥ trip and all are in range; else INVALID_AMOUNT. */
gboolean    vp_account_check_thresholds   (gint64            alarm1,
                                           gint64            alarm2,
                                           gint64            trip,
                                           GError          **error);
void        vp_meter_spec_init            (VpMeterSpec      *spec);

void        vp_meter_free                 (VpMeter          *meter);
void        vp_account_free               (VpAccount        *account);

/* Opens an account (customer row, optional room, tariff check, thresholds) and, when
 * spec->opening_topup > 0, books the top-up in the same transaction with a receipt.
 * Needs VP_PERM_ACCOUNT_MANAGE (and VP_PERM_TOPUP plus an open shift for the top-up).
 * @out_account: (out) (optional): the account as stored.
 * @out_entry: (out) (optional): the opening top-up, NULL when there was none. */
gboolean    vp_account_open               (VpDatabase           *db,
                                           VpSession            *actor,
                                           const VpAccountSpec  *spec,
                                           VpAccount           **out_account,
                                           VpLedgerEntry       **out_entry,
                                           GError              **error);

/* The account with its meters; NOT_FOUND when there is none. Needs ACCOUNT_VIEW. */
VpAccount  *vp_account_get                (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *number,
                                           GError              **error);
/* Accounts in number order from @offset, at most @limit (<= 0: all); meters included.
 * ACCOUNT_VIEW. */
GPtrArray  *vp_account_list               (VpDatabase           *db,
                                           VpSession            *actor,
                                           gint64                offset,
                                           gint64                limit,
                                           GError              **error);

/* Final settlement: a positive balance is refunded (@method, a receipt, the refund
 * limit and @approver_id rules of vp_ledger_refund(), the actor's open shift); a
 * negative one is recorded as close_debt. Status becomes closed, active meters become
 * removed; later money operations fail with ACCOUNT_CLOSED. ACCOUNT_MANAGE.
 * @out_entry: (out) (optional): the settlement refund, NULL when none. */
gboolean    vp_account_close              (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *number,
                                           VpPaymentMethod       method,
                                           gint64                approver_id,
                                           VpLedgerEntry       **out_entry,
                                           GError              **error);

/* 过户: the account, its balance, meters and history stay; a new customer row takes
 * over. Audited with the old and the new customer. ACCOUNT_MANAGE. */
gboolean    vp_account_transfer           (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *number,
                                           const char           *name,
                                           const char           *phone,
                                           const char           *id_number,
                                           const char           *address,
                                           GError              **error);

/* open → suspended and back. Suspended accounts take no top-ups. ACCOUNT_MANAGE. */
gboolean    vp_account_set_suspended      (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *number,
                                           gboolean              suspended,
                                           GError              **error);

/* Installs a meter on an open or suspended account. The address must not belong to
 * another active meter (EXISTS). ACCOUNT_MANAGE or METER_COMMISSION. */
gboolean    vp_account_add_meter          (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *number,
                                           const VpMeterSpec    *spec,
                                           gint64               *out_meter_id,
                                           GError              **error);

/* 换表: the active meter at @old_address gets @final_reading (>= its install reading)
 * and status replaced; @spec is installed on the same account with its initial
 * reading. ACCOUNT_MANAGE or METER_COMMISSION. */
gboolean    vp_account_replace_meter      (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *old_address,
                                           gint64                final_reading,
                                           const VpMeterSpec    *spec,
                                           gint64               *out_meter_id,
                                           GError              **error);

/* A room on @site (created when missing) → building → floor @level → room @number,
 * labelled "BUILDING-NUMBER". Returns the existing room when it is there already.
 * ACCOUNT_MANAGE. */
gboolean    vp_room_add                   (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *site,
                                           const char           *building,
                                           int                   level,
                                           const char           *number,
                                           gint64                area,
                                           gint64               *out_room_id,
                                           GError              **error);

/* Stores a tariff version: version 1 for a new name, else the next version.
 * @kind "electricity" or "water"; @type a scheme name ("flat", "tou", …); @params the
 * scheme's parameters as text; @effective_from unix seconds. TARIFF_MANAGE. */
gboolean    vp_tariff_define              (VpDatabase           *db,
                                           VpSession            *actor,
                                           const char           *name,
                                           const char           *kind,
                                           const char           *type,
                                           const char           *params,
                                           gint64                effective_from,
                                           int                  *out_version,
                                           GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpMeter, vp_meter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpAccount, vp_account_free)

G_END_DECLS
