#!/usr/bin/env bash
# Makes a Java 17 JRE base image as a saved-image tarball (the layout `docker save` writes: manifest.json, a config,
# one layer), for building the harness image where no container registry is reachable:
#
#   sudo harness/deploy/image/debian-jre-base.sh /tmp/debian-jre17.tar
#   mvn -B -pl harness -am package -DskipTests
#   mvn -B -pl harness jib:buildTar -Djib.from.image=tar:///tmp/debian-jre17.tar
#
# The image is Debian 12 (minbase) with the openjdk-17-jre-headless package, installed by debootstrap from the Debian
# archive: the same Java 17 runtime the harness is built and tested with here. Needs root (debootstrap chroots) and
# the debootstrap package. Where a registry is reachable, the pom's default base (eclipse-temurin:17-jre) is simpler.
set -euo pipefail

out="${1:?usage: debian-jre-base.sh OUTPUT.tar [MIRROR]}"
mirror="${2:-http://deb.debian.org/debian}"
command -v debootstrap >/dev/null || { echo "debian-jre-base: debootstrap not found (apt-get install debootstrap)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "debian-jre-base: debootstrap needs root" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$work/rootfs" "$mirror" >&2
# Package caches and lists are not needed at run time.
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/tmp/"*
[ -x "$work/rootfs/usr/lib/jvm/java-17-openjdk-amd64/bin/java" ] || { echo "debian-jre-base: no java in the rootfs" >&2; exit 1; }

mkdir "$work/image"
tar --numeric-owner --xattrs -C "$work/rootfs" -cf "$work/image/layer.tar" .
diff_id="sha256:$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)"
cat > "$work/image/config.json" <<JSON
{"architecture": "amd64", "os": "linux",
 "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64", "LANG=C.UTF-8"]},
 "rootfs": {"type": "layers", "diff_ids": ["$diff_id"]},
 "history": [{"created_by": "debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm"}]}
JSON
cat > "$work/image/manifest.json" <<JSON
[{"Config": "config.json", "RepoTags": ["debian-jre:17"], "Layers": ["layer.tar"]}]
JSON
tar -C "$work/image" -cf "$out" manifest.json config.json layer.tar
echo "$out: $(du -h "$out" | cut -f1), layer $diff_id" >&2
