"""App factory for subprocess tests (uvicorn --factory): the real app with the fake advisor."""
from advisor_api.config import Settings
from advisor_api.main import create_app
from api_fake import FakeAdvisor


def create():  # type: ignore[no-untyped-def]
    return create_app(Settings.from_env(advisor_loader=FakeAdvisor))
