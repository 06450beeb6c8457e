#!/usr/bin/env bash
# A base image for deploy/Containerfile made here, with no registry: Debian
# bookworm (Python 3.11) by debootstrap, imported into podman as $1
# (default localhost/accounts-base:bookworm). Used by `make image` when the
# machine cannot pull python:3.11-slim.
set -euo pipefail
name=${1:-localhost/accounts-base:bookworm}
if podman image exists "$name"; then
    exit 0
fi
command -v debootstrap >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$root/rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
rm -rf "$root/rootfs/var/cache/apt/archives/"*.deb "$root/rootfs/var/lib/apt/lists/"*
tar -C "$root/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$name" >/dev/null
echo "base image $name made"
