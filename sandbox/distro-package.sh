#!/usr/bin/env bash
# Make sure a tool from the distribution is installed: `sandbox/distro-package.sh COMMAND [PACKAGE]`.
# Used for HAProxy (the sandbox edge) and shellcheck (ansible-test sanity). If COMMAND is missing and we are root
# on Debian/Ubuntu, install PACKAGE (default: COMMAND) with apt-get, without starting any service it brings (the
# sandbox runs its own HAProxy on 127.0.0.1). Otherwise say how to get it and exit 1.
set -euo pipefail

command_name="${1:?usage: $0 COMMAND [PACKAGE]}"
package="${2:-$command_name}"

if command -v "$command_name" >/dev/null 2>&1; then
    echo "tools: $command_name is installed"
    exit 0
fi

how_to() {
    echo "tools: $command_name is missing; install the $package package of your distribution, then run make again." >&2
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

echo "tools: installing $package from the distribution (apt-get)"
export DEBIAN_FRONTEND=noninteractive
# No service start during the install (policy-rc.d answers "not allowed"), unless the machine has its own policy.
policy=/usr/sbin/policy-rc.d
placed=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    placed=1
fi
trap 'if [ "$placed" -eq 1 ]; then rm -f "$policy"; fi' EXIT
apt-get update -qq
apt-get install -y -qq "$package" >/dev/null
command -v "$command_name" >/dev/null 2>&1 || { echo "tools: $package is installed but $command_name is not on PATH" >&2; exit 1; }
echo "tools: $command_name installed"
