"""pip-audit of requirements.txt, with a fallback for packages it could not look up.

pip-audit asks PyPI for advisories of each exact version (/pypi/NAME/VERSION/json). Where that
lookup is not answered (some mirrors and proxies serve only /pypi/NAME/json), the package is
checked here against the advisories PyPI lists for its newest release, which hold for our pin
when the pin is that release. A pin older than the newest release cannot be cleared that way:
it is named as unchecked (a warning, so an upstream release alone never breaks CI). Any known
vulnerability fails the audit: upgrade the pin.
"""

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).parent / "pip-audit"


def pypi_project(name: str) -> dict:
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=30) as response:
        return json.load(response)


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        report_path = Path(work) / "audit.json"
        result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [
                str(PIP_AUDIT),
                "--requirement",
                str(ROOT / "requirements.txt"),
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report_path),
            ],
            capture_output=True,
            text=True,
        )
        if not report_path.exists():
            print(result.stderr, file=sys.stderr)
            return 1
        report = json.loads(report_path.read_text())
    problems = []
    unchecked = []
    audited = 0
    for dependency in report["dependencies"]:
        name = dependency["name"]
        for vulnerability in dependency.get("vulns", []):
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "ingen ennå"
            problems.append(
                f"{name} {dependency['version']}: {vulnerability['id']} (rettet i {fixes})"
            )
        if "skip_reason" not in dependency:
            audited += 1
            continue
        version = dependency["skip_reason"].rsplit("(", 1)[-1].rstrip(")")
        project = pypi_project(name)
        newest = project["info"]["version"]
        if version != newest:
            unchecked.append(f"{name} {version} (nyeste er {newest})")
            continue
        for vulnerability in project.get("vulnerabilities", []):
            if not vulnerability.get("withdrawn"):
                problems.append(f"{name} {version}: {vulnerability['id']}")
        audited += 1
    if unchecked:
        print("Advarsel: kunne ikke sjekkes, oppgrader: " + ", ".join(unchecked), file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"pip-audit: ingen kjente sårbarheter i {audited} pakker (requirements.txt).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
