"""Write (or check) the forms and the interruptions they answer, from scripts/form_spec/.

    python scripts/form_rules.py            write domain/forms.yml, dialogues/form_interruptions.yml
                                            and the not_intent lists in domain/*.yml
    python scripts/form_rules.py --check    exit 1 when one of them is stale (make lint, pre-commit)
    python scripts/form_rules.py --diff REF what the forms and rules say differently from a git ref

The output is committed: Rasa reads YAML, not this script.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a file: make `scripts.` and `formats.` importable
    sys.path.insert(0, str(REPO))

from scripts.form_spec.forms import FORMS  # noqa: E402
from scripts.form_spec.render import COMMAND, SpecError, stale_files, write_files  # noqa: E402
from scripts.form_spec.semantic_diff import compare_with_ref  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--check", action="store_true", help="fail when a generated file is stale")
    what.add_argument("--diff", metavar="REF", help="the semantic diff against a git ref")
    parser.add_argument("--root", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        if args.diff:
            lines = compare_with_ref(args.root, args.diff)
            print("\n".join(lines) if lines else f"no semantic difference from {args.diff}")
            return 0
        if args.check:
            stale = stale_files(args.root, FORMS)
            for path in stale:
                print(f"{path} is stale: run `{COMMAND}` and commit the result", file=sys.stderr)
            return 1 if stale else 0
        for path in write_files(args.root, FORMS):
            print(f"wrote {path}")
    except SpecError as error:
        print(f"scripts/form_spec disagrees with domain/: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
