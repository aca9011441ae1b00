"""The world the processes act in: a static context and the run's mutable state (firms, regions, levers,
this month's draws), with Mesa agents for cities and firms as views of that state."""
