"""Documents the dashboard makes to circulate: the meeting pack (and the annual report),
written as PDF with :mod:`reports.pdf`."""
