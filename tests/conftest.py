"""Shared pytest hooks."""


def pytest_terminal_summary(terminalreporter):
    # A skipped browser test says why at the end of every run, not only under -rs.
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if "browser tests" in reason:
            terminalreporter.write_line(f"explorer browser tests skipped: {reason.removeprefix('Skipped: ')}",
                                        yellow=True)
            break
