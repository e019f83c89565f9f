#!/bin/sh
# make-certs.sh: the test certificates of tests/test-smtp-tls.c, made ONCE with OpenSSL
# 3.0 (Debian 12) and committed; rerun only to replace them. Test use only.
#   ca.pem        "Vendpoint Test CA", self-signed, 100 years (the client's CA file)
#   server.pem    localhost, 127.0.0.1, ::1, signed by the CA, 100 years (+ server.key)
#   other.pem     mail.example.com only, signed by the CA, 100 years: a wrong host name
#   expired.pem   localhost, signed by the CA, valid 2000-01-01 … 2001-01-01 only
# EC P-256 keys (PKCS#8 PEM, what g_tls_certificate_new_from_files() reads). The CA's
# key is thrown away.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
days=36525

openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$tmp/ca.key" -out ca.pem -days $days -subj "/O=Vendpoint/CN=Vendpoint Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# name, subject CN, subjectAltName
leaf ()
{
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$1.key" -out "$tmp/$1.csr" -subj "/O=Vendpoint/CN=$2"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$3" > "$tmp/$1.ext"
}

leaf server localhost "DNS:localhost,IP:127.0.0.1,IP:::1"
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial \
  -out server.pem -days $days -extfile "$tmp/server.ext"

leaf other mail.example.com "DNS:mail.example.com"
openssl x509 -req -in "$tmp/other.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAcreateserial \
  -out other.pem -days $days -extfile "$tmp/other.ext"

# "openssl x509" cannot back-date; "openssl ca" can.
leaf expired localhost "DNS:localhost,IP:127.0.0.1,IP:::1"
mkdir "$tmp/ca"
: > "$tmp/ca/index.txt"
printf '[ca]\ndefault_ca=test\n[test]\ndatabase=%s/ca/index.txt\nnew_certs_dir=%s/ca\nserial=%s/ca/serial\ndefault_md=sha256\npolicy=any\n[any]\ncommonName=supplied\n' \
  "$tmp" "$tmp" "$tmp" > "$tmp/ca.cnf"
echo 1000 > "$tmp/ca/serial"
openssl ca -batch -config "$tmp/ca.cnf" -cert ca.pem -keyfile "$tmp/ca.key" \
  -in "$tmp/expired.csr" -out "$tmp/expired.full" -extfile "$tmp/expired.ext" \
  -startdate 20000101000000Z -enddate 20010101000000Z -notext
openssl x509 -in "$tmp/expired.full" -out expired.pem
rm -f ca.srl
