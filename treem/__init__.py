"""Treem: the National Programme of Action for Children, from plan to report."""
