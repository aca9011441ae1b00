"""The HTML report of a run folder or a batch store (`talentsim report`): load, summaries, figures, html, i18n."""
