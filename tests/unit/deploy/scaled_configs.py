"""Readers of the scaled topology's configuration files, as the real programs read them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from supervisor.options import ServerOptions

from deploy.scaled.topology import (
    ENDPOINTS_YML,
    HAPROXY_CFG,
    SUPERVISORD_CONF,
    scaled_environment,
)

_HAPROXY_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
# Rasa's own rules (rasa.shared.utils.io.replace_environment_variables).
_RASA_SCALAR = re.compile(r"^(.*)\$\{(.*)\}(.*)$")
_RASA_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def topology_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The launcher's variables for a run directory under `tmp_path`."""
    env = scaled_environment(overrides, run_dir=tmp_path, model=tmp_path / "model.tar.gz")
    env["BOTS_AUTOSTART"] = "true"
    (tmp_path / "log").mkdir(exist_ok=True)
    return env


def supervisor_options(env: dict[str, str]) -> ServerOptions:
    """supervisord.conf parsed by supervisor itself, with `env` as its environment."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        options = ServerOptions()
        options.realize(["-c", str(SUPERVISORD_CONF)], doc="")
        return options
    finally:
        os.environ.clear()
        os.environ.update(saved)


def programs(options: ServerOptions) -> dict[str, Any]:
    """Every program's parsed configuration, by name."""
    return {
        process.name: process
        for group in options.process_group_configs
        for process in group.process_configs
    }


@dataclass
class Section:
    """One HAProxy section: its kind, name and lines (comments dropped)."""

    kind: str
    name: str
    lines: list[list[str]] = field(default_factory=list)

    def values(self, keyword: str) -> list[list[str]]:
        """The arguments of every line starting with `keyword`."""
        return [line[1:] for line in self.lines if line[0] == keyword]


def haproxy_sections(env: dict[str, str]) -> list[Section]:
    """haproxy.cfg split into sections, with "${VAR}" replaced as HAProxy does."""
    sections: list[Section] = []
    for raw in HAPROXY_CFG.read_text().splitlines():
        text = raw.split("#", 1)[0].rstrip()
        if not text.strip():
            continue
        words = [
            _HAPROXY_VARIABLE.sub(lambda m: env[m.group(1)], word).strip('"')
            for word in text.split()
        ]
        if not raw[0].isspace():
            sections.append(Section(words[0], words[1] if len(words) > 1 else ""))
        else:
            sections[-1].lines.append(words)
    return sections


def rasa_yaml(text: str, env: dict[str, str]) -> Any:
    """YAML read as Rasa reads endpoints.yml: ${VAR} is replaced in plain (unquoted) scalars
    only, through an implicit resolver (rasa.shared.utils.io.replace_environment_variables)."""

    class RasaLoader(yaml.SafeLoader):
        pass

    RasaLoader.add_implicit_resolver("!env_var", _RASA_SCALAR, None)

    def expand(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        value = str(loader.construct_scalar(node))
        return _RASA_VARIABLE.sub(lambda m: env[m.group(1)], value)

    RasaLoader.add_constructor("!env_var", expand)
    return yaml.load(text, Loader=RasaLoader)


def rasa_endpoints(env: dict[str, str]) -> dict[str, Any]:
    """deploy/scaled/endpoints.yml as a Rasa server started by the launcher reads it."""
    loaded = rasa_yaml(ENDPOINTS_YML.read_text(), env)
    assert isinstance(loaded, dict)
    return loaded
