head -c 67108865 /dev/zero | stagewise eval tests/golden/rules/engagement -f - --format json
