"""Label Studio's REST API as the administrator of the test session's server (the `label_studio`
fixture: its URL and token file). The tests drive it as annotators would; tagifai's own client is what
they test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests


class Api:
    def __init__(self, label_studio: tuple[str, Path]) -> None:
        self.url, token_file = label_studio
        self.headers = {"Authorization": f"Token {token_file.read_text().strip()}"}

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:  # noqa: ANN401
        response = requests.request(method, f"{self.url}{path}", headers=self.headers, timeout=120, **kwargs)
        assert response.status_code < 400, (method, path, response.status_code, response.text[:500])
        return response.json() if response.content else None

    def project(self, title: str) -> dict:
        projects = self("GET", "/api/projects", params={"page_size": 100})["results"]
        (project,) = [p for p in projects if p["title"] == title]
        return project

    def tasks(self, project_id: int) -> list[dict]:
        return self("GET", "/api/tasks", params={"project": project_id, "page_size": 100000})["tasks"]

    def user(self, name: str) -> int:
        """A new annotator, `<name>@example.org`; their id."""
        return self("POST", "/api/users/", json={"email": f"{name}@example.org", "username": name})["id"]

    def annotate(self, task_id: int, user_id: int, choices: list[str]) -> int:
        """The user's annotation of the task with these tags; its id."""
        result = [{"from_name": "tags", "to_name": "text", "type": "choices", "value": {"choices": choices}}]
        return self("POST", f"/api/tasks/{task_id}/annotations", json={"result": result, "completed_by": user_id})["id"]
