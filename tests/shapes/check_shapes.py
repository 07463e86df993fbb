#!/usr/bin/env python3
"""Checks an export directory against the AWS API models (botocore's service-2.json).

    python3 tests/shapes/check_shapes.py EXPORT_DIR BOTOCORE_DIR

EXPORT_DIR is laid out as docs/export-format.md says: <account>/<region>/<service>/<api>[--x].json.
BOTOCORE_DIR holds <service>/service-2.json (or service-2.pruned.json), e.g.
../shared/corpus/botocore; when it is absent the check is skipped (exit 0).

Every file is mapped to its operation (the kebab-case CLI command, `get-bucket-encryption`, is
the operation name as botocore's xform_name turns it into a CLI name: `GetBucketEncryption`)
and its JSON is checked, recursively, against the operation's output shape: every key is a
member of its structure, with the model's spelling; lists are lists, structures and maps are
objects, booleans are booleans, integers and longs are integers, strings are strings,
timestamps are strings or numbers. Values outside a string enum, and keys out of the model's
order (the CLI prints members in model order), are warnings only: AWS adds enum values.
`.error.json` files must hold exactly exit_code (int), error_code (string) and stderr (string).
Empty files (a call that printed nothing) are fine. Services without a model (sts; s3control
unless the directory has one) are skipped.

Prints every violation as `file: $.json.path: message` and exits 1 if there is any.
Standard library only (Python 3.11).
"""

import json
import os
import re
import sys

# Export directory name of a service -> directory of its model under BOTOCORE_DIR.
SERVICE_MODELS = {
    "s3": "s3",
    "s3api": "s3",
    "s3control": "s3control",
    "kms": "kms",
    "ec2": "ec2",
    "cloudtrail": "cloudtrail",
    "efs": "efs",
    "secretsmanager": "secretsmanager",
    "ssm": "ssm",
    "config": "config",
    "configservice": "config",
    "sts": None,  # never checked: the brief export has no STS model
}
MODEL_FILES = ("service-2.json", "service-2.pruned.json")
ACCOUNT_RE = re.compile(r"^\d{12}$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")

# botocore.xform_name, which names the CLI commands after the operations.
_FIRST_CAP = re.compile(r"(.)([A-Z][a-z]+)")
_END_CAP = re.compile(r"([a-z0-9])([A-Z])")
_SPECIAL_CASE = re.compile(r"[A-Z]{2,}s$")


def xform_name(name, sep="-"):
    special = _SPECIAL_CASE.search(name)
    if special is not None:
        matched = special.group()
        name = f"{name[:-len(matched)]}{sep}{matched.lower()}"
    s1 = _FIRST_CAP.sub(r"\1" + sep + r"\2", name)
    return _END_CAP.sub(r"\1" + sep + r"\2", s1).lower()


class Model:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        self.path = path
        self.shapes = data["shapes"]
        self.operations = data["operations"]
        self.by_cli_name = {xform_name(op): op for op in self.operations}


class Checker:
    def __init__(self, botocore_dir):
        self.botocore_dir = botocore_dir
        self.models = {}
        self.violations = []
        self.warnings = []
        self.checked = 0
        self.skipped = 0

    def model(self, service_dir):
        if service_dir not in self.models:
            model = None
            name = SERVICE_MODELS.get(service_dir, service_dir)
            if name is not None:
                for file_name in MODEL_FILES:
                    path = os.path.join(self.botocore_dir, name, file_name)
                    if os.path.isfile(path):
                        model = Model(path)
                        break
            self.models[service_dir] = model
        return self.models[service_dir]

    def violation(self, file, path, message):
        self.violations.append(f"{file}: {path}: {message}")

    def warning(self, file, path, message):
        self.warnings.append(f"{file}: {path}: {message}")

    # -----------------------------------------------------------------------------------------

    def check_file(self, file, service_dir):
        name = os.path.basename(file)
        is_error = name.endswith(".error.json")
        stem = name[: -len(".error.json")] if is_error else name[: -len(".json")]
        api = stem.split("--", 1)[0]
        model = self.model(service_dir)

        with open(file, "rb") as f:
            raw = f.read()
        if is_error:
            self.checked += 1
            self.check_error_file(file, raw)
            if model is not None and api not in model.by_cli_name:
                self.violation(file, "$", f"no operation of {service_dir} is called `{api}`")
            return
        if model is None:
            self.skipped += 1
            return
        self.checked += 1
        operation = model.by_cli_name.get(api)
        if operation is None:
            self.violation(file, "$", f"no operation of {service_dir} is called `{api}`")
            return
        if not raw.strip():
            return  # the CLI printed nothing
        try:
            value = json.loads(raw)
        except ValueError as e:
            self.violation(file, "$", f"not JSON: {e}")
            return
        output = model.operations[operation].get("output")
        if output is None:
            self.violation(file, "$", f"{operation} has no output, but the file is not empty")
            return
        self.check_value(file, model, output["shape"], value, "$")

    def check_error_file(self, file, raw):
        try:
            value = json.loads(raw)
        except ValueError as e:
            self.violation(file, "$", f"not JSON: {e}")
            return
        if not isinstance(value, dict):
            self.violation(file, "$", "an error file must be an object")
            return
        expected = {"exit_code": int, "error_code": str, "stderr": str}
        for key in sorted(set(value) - set(expected)):
            self.violation(file, f"$.{key}", "unexpected key in an error file")
        for key, kind in expected.items():
            if key not in value:
                self.violation(file, f"$.{key}", "missing")
            elif not isinstance(value[key], kind) or isinstance(value[key], bool):
                self.violation(file, f"$.{key}", f"must be {'an integer' if kind is int else 'a string'}")
        code, stderr = value.get("error_code"), value.get("stderr")
        if isinstance(code, str) and isinstance(stderr, str):
            # The CLI names the code in "An error occurred (CODE) when calling ..."; errors that
            # never reached the service (connection, parsing) have none, and error_code is "".
            if code and f"An error occurred ({code})" not in stderr:
                self.warning(file, "$.error_code", f"stderr does not say `An error occurred ({code})`")
            elif not code and "An error occurred (" in stderr:
                self.warning(file, "$.error_code", "empty, but stderr names an error code")

    def check_value(self, file, model, shape_name, value, path):
        shape = model.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            if shape.get("document"):
                return
            if not isinstance(value, dict):
                self.violation(file, path, f"expected an object ({shape_name}), got {type_name(value)}")
                return
            members = shape["members"]
            order = list(members)
            known = [k for k in value if k in members]
            if known != sorted(known, key=order.index):
                self.warning(file, path, f"keys not in model order ({', '.join(known)})")
            for key, item in value.items():
                if key not in members:
                    hint = next((m for m in members if m.lower() == key.lower()), None)
                    extra = f" (the model spells it `{hint}`)" if hint else ""
                    self.violation(file, f"{path}.{key}", f"not a member of {shape_name}{extra}")
                    continue
                if item is None:
                    continue  # the CLI prints null for some members (LocationConstraint, Prefix)
                self.check_value(file, model, members[key]["shape"], item, f"{path}.{key}")
        elif kind == "list":
            if not isinstance(value, list):
                self.violation(file, path, f"expected a list ({shape_name}), got {type_name(value)}")
                return
            for i, item in enumerate(value):
                self.check_value(file, model, shape["member"]["shape"], item, f"{path}[{i}]")
        elif kind == "map":
            if not isinstance(value, dict):
                self.violation(file, path, f"expected an object ({shape_name}), got {type_name(value)}")
                return
            for key, item in value.items():
                self.check_value(file, model, shape["key"]["shape"], key, f"{path}.<key {key}>")
                self.check_value(file, model, shape["value"]["shape"], item, f"{path}.{key}")
        elif kind == "boolean":
            if not isinstance(value, bool):
                self.violation(file, path, f"expected a boolean, got {type_name(value)}")
        elif kind in ("integer", "long"):
            if not isinstance(value, int) or isinstance(value, bool):
                self.violation(file, path, f"expected an integer ({kind}), got {type_name(value)}")
        elif kind in ("float", "double"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.violation(file, path, f"expected a number ({kind}), got {type_name(value)}")
        elif kind == "timestamp":
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                self.violation(file, path, f"expected a timestamp (string or number), got {type_name(value)}")
        elif kind in ("string", "blob"):
            if not isinstance(value, str):
                self.violation(file, path, f"expected a string, got {type_name(value)}")
            elif "enum" in shape and value not in shape["enum"]:
                self.warning(file, path, f"`{value}` is not in the enum {shape_name}")
        else:
            self.warning(file, path, f"shape type `{kind}` is not checked")


def type_name(value):
    if value is None:
        return "null"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def export_files(root):
    """(file, service directory) for every file of the layout under root."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        parts = os.path.relpath(dirpath, root).split(os.sep)
        if len(parts) < 3:
            continue
        account, region, service = parts[-3:]
        if not (ACCOUNT_RE.match(account) and REGION_RE.match(region)):
            continue
        for name in sorted(filenames):
            if name.endswith(".json"):
                yield os.path.join(dirpath, name), service


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.split("\n\n", 2)[1].strip())
        return 0 if len(argv) > 1 and argv[1] in ("-h", "--help") else 2
    export_dir, botocore_dir = argv[1], argv[2]
    if not os.path.isdir(botocore_dir):
        print(f"skipped: no botocore models at {botocore_dir}")
        return 0
    if not os.path.isdir(export_dir):
        print(f"error: no export directory at {export_dir}", file=sys.stderr)
        return 2
    checker = Checker(botocore_dir)
    files = list(export_files(export_dir))
    if not files:
        print(f"error: no <account>/<region>/<service>/*.json files under {export_dir}", file=sys.stderr)
        return 2
    for file, service in files:
        checker.check_file(file, service)
    for line in checker.warnings:
        print(f"warning: {line}")
    for line in checker.violations:
        print(line)
    print(f"checked {checker.checked} files ({checker.skipped} without a model skipped): "
          f"{len(checker.violations)} violations, {len(checker.warnings)} warnings")
    return 1 if checker.violations else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
