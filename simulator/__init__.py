"""talentsim: an agent-based simulator of talent flows in Jilin Province, China."""

__version__ = "0.1.0"
