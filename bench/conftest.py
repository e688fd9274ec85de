"""Benchmarks run with pytest share the test suite's fixtures (tests/conftest.py)."""

from tests.conftest import (  # noqa: F401
    commit_points_run_on_commit_callbacks,
    redis_is_there,
    test_settings,
)


def pytest_addoption(parser):
    parser.addoption("--submissions", type=int, default=120, help="feedback_load_bench.py")
