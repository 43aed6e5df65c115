"""The terminal side of `sluicegate run`: a quick run hook, a live `rich` display for a
terminal, plain lines for CI logs and pipes, and the final summary."""
