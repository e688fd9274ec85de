import pytest

from portal.publishing import services as publishing_services


@pytest.fixture
def publish_notices(monkeypatch):
    """How many times the public content was said to have changed (page cache, search, PDFs)."""
    calls = []
    original = publishing_services._after_commit

    def counting():
        calls.append(1)
        original()

    monkeypatch.setattr(publishing_services, "_after_commit", counting)
    return calls
