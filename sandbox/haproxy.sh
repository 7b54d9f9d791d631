#!/usr/bin/env bash
# Make sure HAProxy (the sandbox edge's TLS proxy) is installed: Debian/Ubuntu's haproxy package.
# If it is missing and we are root on Debian/Ubuntu, install it from the distribution without starting the
# distribution's own service (the sandbox runs its own HAProxy on 127.0.0.1). Otherwise say how to get it.
set -euo pipefail

if command -v haproxy >/dev/null 2>&1; then
    echo "edge: $(haproxy -v 2>/dev/null | head -n 1)"
    exit 0
fi

how_to() {
    echo "edge: HAProxy is missing; install it (the haproxy package of your distribution), then run make again." >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || how_to
[ -r /etc/os-release ] || how_to
# shellcheck disable=SC1091
. /etc/os-release
case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "* | *" ubuntu "*) ;;
    *) how_to ;;
esac

echo "edge: installing haproxy from the distribution (apt-get)"
export DEBIAN_FRONTEND=noninteractive
# No service start during the install: the package's own HAProxy is not the sandbox's.
policy=/usr/sbin/policy-rc.d
placed=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    placed=1
fi
trap 'if [ "$placed" -eq 1 ]; then rm -f "$policy"; fi' EXIT
apt-get update -qq
apt-get install -y -qq haproxy >/dev/null
echo "edge: $(haproxy -v 2>/dev/null | head -n 1)"
