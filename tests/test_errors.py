"""The site-wide error pages: Norwegian, with a way forward, wherever the error happens."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_csrf_failure_outside_the_feedback_form_gets_the_norwegian_page():
    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "a", "password": "b"}
    )
    assert response.status_code == 403
    assert "Skjemaet ble ikke sendt" in response.text


def test_an_unreadable_request_anywhere_gets_the_norwegian_400_page(client):
    query = "&".join(f"felt{i}=x" for i in range(1001))
    response = client.get(f"/sok/?q=klynge&{query}")
    assert response.status_code == 400
    assert "Forespørselen kunne ikke leses" in response.text
