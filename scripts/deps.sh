# SPDX-License-Identifier: Apache-2.0
# deps.sh — sourced by build-windows and build-static: build the static
# dependencies (OpenSSL, libcurl with OpenSSL, json-c, expat) from Debian's
# source packages (apt-get source), each once, into a cache.
#
# The caller sets, before sourcing:
#   cache        where sources, builds and the prefix live
#   prefix       where the libraries are installed ($cache/prefix)
#   deps_cc      the C compiler (gcc, x86_64-w64-mingw32-gcc)
#   deps_ar      the archiver
#   deps_cmake   extra cmake arguments (a toolchain file), an array
#   deps_tag     the name messages start with
# and calls deps_setup, then deps_openssl ARGS..., deps_cmake_dep.

jobs=$(nproc)
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

# apt-get source needs the deb-src lines of the same mirror
deps_setup() {
  if ! apt-get source --print-uris -qq json-c >/dev/null 2>&1; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      $SUDO tee /etc/apt/sources.list.d/configure-pkcs11-src.sources >/dev/null
    $SUDO apt-get update -qq
  fi
  mkdir -p "$cache/src" "$prefix"
}

# deps_unpack SRCPKG: apt-get source into the cache, once; prints the folder
deps_unpack() {
  local dir
  dir=$(find "$cache/src" -maxdepth 1 -mindepth 1 -type d -name "$1-*" | head -1)
  if [ -z "$dir" ]; then
    (cd "$cache/src" && apt-get source -qq "$1" >/dev/null 2>"$cache/src/$1.err") || {
      echo "$deps_tag: cannot get the Debian source package $1: $(tail -1 "$cache/src/$1.err")" >&2
      return 1; }
    dir=$(find "$cache/src" -maxdepth 1 -mindepth 1 -type d -name "$1-*" | head -1)
  fi
  echo "$dir"
}
# a build is redone when its arguments change: the mark names them
deps_key() { echo "$1-$(printf '%s\n' "${@:2}" | md5sum | cut -c1-8)"; }
deps_built() { [ -f "$prefix/.built-$1" ]; }
deps_mark() { rm -f "$prefix/.built-${1%-*}"-*; touch "$prefix/.built-$1"; echo "$deps_tag: ${1%-*} built"; }

# deps_openssl CONFIGURE-ARGS...: the static libraries and headers
deps_openssl() {
  local key src
  key=$(deps_key openssl "$@")
  deps_built "$key" && return 0
  src=$(deps_unpack openssl)
  (cd "$src" && { make distclean >/dev/null 2>&1 || true; } && ./Configure "$@" --prefix="$prefix" \
     --libdir=lib no-shared no-tests no-module >/dev/null &&
   make -j"$jobs" build_libs >/dev/null && make install_dev >/dev/null)
  deps_mark "$key"
}

# deps_cmake_dep NAME SRCPKG[/SUBDIR] ARGS...: a static CMake build, once
# (SUBDIR: where the package keeps its CMakeLists.txt)
deps_cmake_dep() {
  local name=$1 key src
  key=$(deps_key "$@")
  deps_built "$key" && return 0
  src=$(deps_unpack "${2%%/*}")
  [ "${2#*/}" = "$2" ] || src=$src/${2#*/}
  shift 2
  rm -rf "$cache/build-$name"
  cmake -S "$src" -B "$cache/build-$name" "${deps_cmake[@]}" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON "$@" >/dev/null
  cmake --build "$cache/build-$name" -j"$jobs" >/dev/null
  cmake --install "$cache/build-$name" >/dev/null
  deps_mark "$key"
}

# libcurl for HTTPS with OpenSSL and nothing else: no LDAP, GSSAPI, SSH,
# HTTP/2, compression or IDN, and no CA path of the build machine
deps_curl() {
  deps_cmake_dep curl curl -DCURL_USE_OPENSSL=ON -DOPENSSL_ROOT_DIR="$prefix" \
    -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DHTTP_ONLY=ON -DCURL_USE_LIBSSH2=OFF \
    -DUSE_NGHTTP2=OFF -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_LIBIDN2=OFF \
    -DCURL_USE_LIBPSL=OFF -DCURL_DISABLE_LDAP=ON -DCURL_USE_GSSAPI=OFF \
    -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON \
    "$@"
}

deps_jsonc() {
  deps_cmake_dep json-c json-c -DBUILD_TESTING=OFF -DDISABLE_WERROR=ON "$@"
}

# expat for EC2's and STS's XML answers: the library alone, no xmlwf, tests
# or docs, and no DTD support (the tool refuses a DTD; Debian's security
# patches also test XML_DTD as a number, which only autotools defines)
deps_expat() {
  deps_cmake_dep expat expat/expat -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF \
    -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF -DEXPAT_SHARED_LIBS=OFF \
    -DEXPAT_BUILD_PKGCONFIG=ON -DEXPAT_DTD=OFF "$@"
}
