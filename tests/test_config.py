"""ClientConfig.from_env: explicit arguments, then OPENAI_* variables, then defaults."""

from __future__ import annotations

import pytest

from runs_core import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ClientConfig,
    InvalidRequestError,
)

ENV = {
    "OPENAI_API_KEY": "sk-env-key",
    "OPENAI_BASE_URL": "http://env.example/v1",
    "OPENAI_ORG_ID": "org_env",
    "OPENAI_PROJECT_ID": "proj_env",
}


def test_settings_come_from_the_environment() -> None:
    config = ClientConfig.from_env(ENV)
    assert (config.api_key, config.base_url, config.organization, config.project) == (
        "sk-env-key",
        "http://env.example/v1",
        "org_env",
        "proj_env",
    )


def test_explicit_arguments_win_over_the_environment() -> None:
    config = ClientConfig.from_env(
        ENV,
        api_key="sk-arg",
        base_url="http://arg.example/v1",
        organization="org_arg",
        project="proj_arg",
    )
    assert (config.api_key, config.base_url, config.organization, config.project) == (
        "sk-arg",
        "http://arg.example/v1",
        "org_arg",
        "proj_arg",
    )


def test_defaults_apply_when_neither_argument_nor_variable_is_set() -> None:
    config = ClientConfig.from_env({"OPENAI_API_KEY": "sk-1"})
    assert config.base_url == DEFAULT_BASE_URL == "https://api.openai.com/v1"
    assert config.organization is None
    assert config.project is None
    assert config.timeout == DEFAULT_TIMEOUT == 600.0
    assert config.max_retries == DEFAULT_MAX_RETRIES == 2
    assert config.default_headers == ()
    assert config.default_query == ()


@pytest.mark.parametrize("environ", [{}, {"OPENAI_API_KEY": ""}])
def test_a_missing_api_key_is_an_invalid_request(environ: dict[str, str]) -> None:
    with pytest.raises(InvalidRequestError, match="OPENAI_API_KEY"):
        ClientConfig.from_env(environ)


def test_an_explicit_empty_api_key_is_refused_even_with_one_in_the_environment() -> None:
    with pytest.raises(InvalidRequestError, match="no API key"):
        ClientConfig.from_env(ENV, api_key="")


def test_the_environment_is_read_only_from_the_mapping_passed_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-process-env")
    with pytest.raises(InvalidRequestError):
        ClientConfig.from_env({})


def test_a_trailing_slash_is_stripped_from_the_base_url() -> None:
    config = ClientConfig.from_env({}, api_key="k", base_url="http://127.0.0.1:8080/v1/")
    assert config.base_url == "http://127.0.0.1:8080/v1"


def test_default_headers_and_query_become_string_pairs() -> None:
    config = ClientConfig.from_env(
        {}, api_key="k", default_headers={"X-A": "1"}, default_query={"v": 2}
    )
    assert config.default_headers == (("X-A", "1"),)
    assert config.default_query == (("v", "2"),)


def test_timeout_none_means_no_timeout() -> None:
    assert ClientConfig.from_env({}, api_key="k", timeout=None).timeout is None


def test_an_explicit_timeout_is_kept() -> None:
    assert ClientConfig.from_env({}, api_key="k", timeout=12.5).timeout == 12.5


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_a_timeout_that_is_not_positive_is_refused(timeout: float) -> None:
    with pytest.raises(InvalidRequestError, match="timeout must be positive"):
        ClientConfig.from_env({}, api_key="k", timeout=timeout)


def test_max_retries_zero_is_allowed() -> None:
    assert ClientConfig.from_env({}, api_key="k", max_retries=0).max_retries == 0


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="max_retries must be >= 0"):
        ClientConfig.from_env({}, api_key="k", max_retries=-1)


def test_config_repr_never_shows_the_api_key() -> None:
    config = ClientConfig.from_env(ENV, api_key="sk-very-secret")
    text = repr(config)
    assert "sk-very-secret" not in text
    assert "api_key=<set>" in text
    assert "'http://env.example/v1'" in text


def test_config_str_never_shows_the_api_key() -> None:
    assert "sk-very-secret" not in str(ClientConfig(api_key="sk-very-secret"))
