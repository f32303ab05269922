"""The suite's shared fixtures are pytest plugins (tests/plugins/), loaded
here for every test; test modules never import a fixture. A directory's
conftest.py holds fixtures only its own tests use."""

pytest_plugins = [
    "tests.plugins.personas",
    "tests.plugins.scheduling",
    "tests.plugins.processes",
]
