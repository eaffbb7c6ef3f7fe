"""Human-readable byte sizes for user-facing messages."""

_UNITS = ("bytes", "KB", "MB", "GB", "TB")


def format_size(n: int) -> str:
    """Format `n` bytes with binary multiples and the usual short labels: 26214400 -> '25 MB'."""
    value = float(n)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            break
        value /= 1024
    if unit == "bytes":
        return f"{n} bytes"
    return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
