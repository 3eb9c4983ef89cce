"""Start Chainlit's command line with logging as the settings ask, from its first line on.

`kulturassistent chat` execs `python -m assistant.chat.launch run app.py …` rather than
`python -m chainlit run …`: Chainlit logs its start ("Running in CI mode", the app's address)
before it loads our app module, so JSON log lines (`KA_LOG_FORMAT=json`) must be configured here.
"""

from __future__ import annotations

import sys

from chainlit.cli import cli

from assistant.chat.ops import configure_logging
from assistant.settings import get_settings

if __name__ == "__main__":
    configure_logging(get_settings().log_format)
    sys.exit(cli(prog_name="chainlit"))
