#!/usr/bin/env bash
# Build the local Debian bookworm image with systemd that the Molecule scenarios (and the sandbox) run.
# No registry image is pulled: debootstrap makes a minimal root file system, `docker import` turns it into
# a base image, and the Dockerfile next to this script adds systemd and Python on top.
# The image is reused when it exists and was built from the same Dockerfile; IMAGE_REBUILD=1 forces a rebuild.
# Usage: sandbox/image/build.sh [WORKDIR]   (WORKDIR holds the temporary root file system; default .build/image)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
workdir="${1:-.build/image}"
image="${IMAGE_NAME:-webops-https-rollout/debian-systemd:bookworm}"
base="webops-https-rollout/bookworm-minbase:latest"
suite="bookworm"

digest="$(sha256sum "$here/Dockerfile" | cut -c1-16)"
current="$(docker image inspect --format '{{ index .Config.Labels "webops.dockerfile" }}' "$image" 2>/dev/null || true)"
if [ "${IMAGE_REBUILD:-0}" != "1" ] && [ "$current" = "$digest" ]; then
    echo "image: $image exists (Dockerfile $digest), reused"
    mkdir -p "$workdir"
    echo "reused, 0 s" >"$workdir/build-seconds"
    exit 0
fi

started=$(date +%s)
if ! docker image inspect "$base" >/dev/null 2>&1 || [ "${IMAGE_REBUILD:-0}" = "1" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "image: installing debootstrap (apt-get)"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
                || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
        else
            echo "image: debootstrap is needed (as root: apt-get install debootstrap)" >&2
            exit 1
        fi
    fi
    rootfs="$workdir/rootfs"
    rm -rf "$rootfs"
    mkdir -p "$rootfs"
    trap 'rm -rf "$rootfs"' EXIT
    echo "image: debootstrap --variant=minbase $suite (about 40 s)"
    debootstrap --variant=minbase "$suite" "$rootfs" >"$workdir/debootstrap.log" 2>&1 \
        || { tail -20 "$workdir/debootstrap.log" >&2; exit 1; }
    echo "image: docker import -> $base"
    tar -C "$rootfs" -c . | docker import - "$base" >/dev/null
    rm -rf "$rootfs"
fi

echo "image: docker build -> $image"
mkdir -p "$workdir"
DOCKER_BUILDKIT=0 docker build --build-arg "BASE=$base" --label "webops.dockerfile=$digest" \
    --tag "$image" "$here" >"$workdir/build.log" 2>&1 || { tail -20 "$workdir/build.log" >&2; exit 1; }
seconds=$(( $(date +%s) - started ))
echo "built, $seconds s" >"$workdir/build-seconds"
echo "image: $image built in $seconds s"
