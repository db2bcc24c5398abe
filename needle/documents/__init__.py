"""Documents rendered from artifacts: Markdown, HTML, PDF and the portfolio site."""
