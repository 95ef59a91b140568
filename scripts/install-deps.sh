#!/bin/sh
# Installs the Debian packages Snow needs to build and test, if missing.
# Uses apt-get (through sudo when not root). Safe to run repeatedly.
set -e
PKGS="llvm-19-dev clang-19 libclang-rt-19-dev gcc make valgrind time"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing missing packages:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
