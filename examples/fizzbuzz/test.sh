#!/usr/bin/env bash
# The gate: fizzbuzz.sh must print exactly this.
set -euo pipefail
expected=$'1\n2\nFizz\n4\nBuzz\nFizz\n7\n8\nFizz\nBuzz\n11\nFizz\n13\n14\nFizzBuzz'
[ -x ./fizzbuzz.sh ] || { echo "fizzbuzz.sh is missing or not executable"; exit 1; }
actual=$(./fizzbuzz.sh)
if [ "$actual" != "$expected" ]; then
  echo "fizzbuzz.sh printed the wrong lines:"
  diff <(echo "$expected") <(echo "$actual") || true
  exit 1
fi
echo "fizzbuzz.sh is correct"
