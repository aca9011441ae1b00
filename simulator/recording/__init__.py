"""Recording: the indicators of each month (stocks, rates, the processes' flows), the tidy tables, the
printed summary, and writing a run's folder safely."""
