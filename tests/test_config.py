import pytest

from textfix import Config, ConfigError, load_config


def test_defaults_and_validation():
    c = Config()
    assert c.threshold == 0.8 and c.pass_enabled("mojibake")
    with pytest.raises(ConfigError):
        Config(threshold=2)
    with pytest.raises(ConfigError):
        Config(to="klingon")
    with pytest.raises(ConfigError):
        Config(keep_boilerplate=("menus",))


def test_load_pyproject_table(tmp_path):
    p = tmp_path / "pyproject.toml"
    p.write_text('[tool.textfix]\nto = "hant-tw"\nkeep-boilerplate = ["attribution"]\nthreshold = 0.9\n')
    c = load_config(p)
    assert c.to == "hant-tw" and c.keep_boilerplate == ("attribution",) and c.threshold == 0.9


def test_bad_file_is_a_config_error(tmp_path):
    p = tmp_path / "textfix.toml"
    p.write_text("threshold = [")
    with pytest.raises(ConfigError):
        load_config(p)
