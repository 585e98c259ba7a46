#!/bin/sh
# install_test.sh - installs the build into a scratch prefix, then builds the
# embedding example against it through pkg-config and through CMake's
# find_package(Stagewise), and runs both.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$src/examples/embed.c" $(pkg-config --cflags --libs stagewise) -o "$tmp/embed"
LD_LIBRARY_PATH=$tmp/prefix/lib "$tmp/embed" > "$tmp/out.json"
grep -q '"format": "stagewise-result"' "$tmp/out.json"
mkdir "$tmp/consumer"
cat > "$tmp/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(Stagewise 0.1 REQUIRED)
add_executable(consumer "$src/examples/embed.c")
target_link_libraries(consumer PRIVATE Stagewise::stagewise)
CMAKE
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
LD_LIBRARY_PATH=$tmp/prefix/lib "$tmp/consumer/build/consumer" | cmp - "$tmp/out.json"
echo "install: pkg-config and find_package consumers built and agree"
