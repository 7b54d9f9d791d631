#!/usr/bin/env bash
# Make sure a container engine answers `docker info`.
# If none does and we are root on Debian/Ubuntu, install docker.io from the distribution (distro-package.sh) and
# start dockerd (saying so). Otherwise stop with a message on how to get an engine.
# Usage: sandbox/engine.sh [LOGDIR]   (dockerd's log goes to LOGDIR/dockerd.log)
set -euo pipefail

logdir="${1:-.build/engine}"

answers() {
    command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

if answers; then
    echo "engine: docker answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown version))"
    exit 0
fi

how_to() {
    cat >&2 <<'MSG'
engine: no container engine answers `docker info`, and this script can only set one up as root on Debian/Ubuntu.
engine: install Docker (the docker.io package on Debian/Ubuntu, or Docker Engine), start it
engine: (`systemctl start docker`, or `dockerd &` where systemd is not PID 1), make sure your user may use it,
engine: then run make again.
MSG
    exit 1
}

if ! command -v dockerd >/dev/null 2>&1; then
    echo "engine: no container engine; installing docker.io from the distribution"
    bash "$(dirname "$0")/distro-package.sh" dockerd docker.io || how_to
fi
if ! command -v docker >/dev/null 2>&1; then
    echo "engine: dockerd is installed but the docker client is missing; install docker.io" >&2
    exit 1
fi

mkdir -p "$logdir"
if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "engine: starting dockerd (log: $logdir/dockerd.log); it keeps running for later runs"
    # In a session of its own, so that stopping the job that started it does not stop the engine.
    setsid nohup dockerd >"$logdir/dockerd.log" 2>&1 < /dev/null &
fi
for _ in $(seq 1 60); do
    if answers; then
        echo "engine: docker answers"
        exit 0
    fi
    sleep 0.5
done
echo "engine: dockerd did not answer within 30 s; see $logdir/dockerd.log" >&2
exit 1
