# English UI, same figures: dates dd/mm/yyyy and numbers 1.234,5, as the
# official documents and the exports write them.
from treem.formats.vi.formats import *  # noqa: F401,F403
