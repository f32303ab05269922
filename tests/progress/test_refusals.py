"""A practice admin has no caseload dashboard: 404 on the page and the API alike."""


def test_a_practice_admin_gets_404_from_the_dashboard_api(practice_admin, as_user):
    assert as_user(practice_admin).get("/api/v1/dashboard/").status_code == 404
