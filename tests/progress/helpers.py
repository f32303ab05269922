"""Answers shared by the progress tests."""

# Every statement answered 4, except the reversed "mutuality" one.
ALL_FOURS = {"trust": 4, "knowledge": 4, "mutuality": 4, "commitment": 4, "caring": 4, "interdependence": 4}
