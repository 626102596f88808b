"""Production settings, security headers and the admin's lockout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.deployment_settings import PRODUCTION

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("asked", [{}, {"SECURE_HSTS_PRELOAD": "true"}], ids=["default", "hsts-preload"])
def test_check_deploy_is_clean_with_production_settings(asked):
    environment = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **PRODUCTION, **asked}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_page_carries_the_security_headers(reference_data, client):
    response = client.get("/treaties/new-start/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_needs_inline_script_or_style(reference_data, client):
    for url in ["/", "/treaties/", "/treaties/new-start/", "/timeline/", "/statements/", "/alerts/", "/api/v1/docs/",
                "/treaties/?due_within=x", "/data/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and ' style="' not in html, url


def test_the_admin_login_locks_out_after_repeated_failures(db, client, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "right-password-123")
    for _ in range(5):
        client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": "right-password-123"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
