# shellcheck shell=bash
# tests/images/python.sh — recipe of the local Docker test image `sbx-test/python:1`.
#
# Read by scripts/build-test-image, which debootstraps a minimal Debian rootfs from the
# mirror apt uses on this machine (no image registry), trims it, and `docker import`s it.
# Any change to this file (or to scripts/build-test-image) changes the recipe hash, so
# the next run rebuilds the image; bump the tag when tests depend on the change.
# shellcheck disable=SC2034  # variables are read by the script that sources this file

IMAGE_TAG=sbx-test/python:1

# Debian suite and variant: minbase = Essential packages + apt (coreutils, tar, gzip,
# bash, sed, grep, findutils, ...).
IMAGE_SUITE=bookworm
IMAGE_VARIANT=minbase

# Extra packages (comma-separated, for debootstrap --include). git brings perl.
IMAGE_INCLUDE=python3,git,procps,xz-utils

# Paths removed from the rootfs before packing (documentation, locales, apt caches).
# Quoted: they are globbed inside the rootfs, not where this file is read.
IMAGE_TRIM=(
  'var/cache/apt/archives/*.deb' 'var/cache/apt/*.bin' 'var/lib/apt/lists/*'
  'usr/share/doc/*' 'usr/share/man/*' 'usr/share/info/*' 'usr/share/locale/*'
  'var/log/*.log' 'var/log/apt/*'
)

# Image config applied by `docker import --change`.
IMAGE_CHANGES=(
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'ENV LANG=C.UTF-8'
  'WORKDIR /root'
  'CMD ["/bin/bash"]'
)
