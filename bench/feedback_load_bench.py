"""A load run of the input form: 120 respondents send it at the same moment through a real
gunicorn on PostgreSQL; none is lost, none doubled. tests/test_feedback_server.py does the
same with 20 in `make test`.

    .venv/bin/pytest bench/feedback_load_bench.py -s [--submissions 120]
"""

import pytest

from tests.test_feedback_server import submit_simultaneously

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def test_simultaneous_submissions_under_load(request, capsys):
    count = request.config.getoption("submissions")
    elapsed = submit_simultaneously(count)
    with capsys.disabled():
        print(f"\n{count} simultaneous submissions stored in {elapsed:.2f} s")
