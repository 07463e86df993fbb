"""Validates a SARIF log against the official SARIF 2.1.0 JSON schema (draft-04).

usage: validate.py LOG.sarif SCHEMA.json
Prints every violation with its JSON path; exits 1 if there is any.
"""
import json
import sys

import jsonschema


def main() -> int:
    log_path, schema_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(log_path, encoding="utf-8") as f:
        log = json.load(f)
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "/".join(str(p) for p in e.absolute_path)
        print(f"{log_path}: /{path}: {e.message}")
    results = sum(len(run.get("results", [])) for run in log.get("runs", []))
    print(f"{log_path}: {results} results, {len(errors)} schema violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
