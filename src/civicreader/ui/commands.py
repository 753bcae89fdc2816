"""Command palette providers: jump to a council (``c``, or Ctrl+P and type a name)."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider


class CouncilCommands(Provider):
    """Councils that have stories, matched fuzzily by name or code."""

    def _councils(self) -> list:
        from civicreader.ui.screens.main import MainScreen

        screen = self.app.screen_stack[0] if self.app.screen_stack else None
        for candidate in reversed(self.app.screen_stack):
            if isinstance(candidate, MainScreen):
                screen = candidate
                break
        if not isinstance(screen, MainScreen):
            return []
        return [(screen, cc) for cc in screen.councils]

    async def discover(self) -> Hits:
        for screen, cc in self._councils()[:30]:
            name = cc.council.nice_name or cc.council.name
            yield DiscoveryHit(
                Text(f"{name} ({cc.stories})"),
                partial(screen.jump_to_council, cc),
                help=cc.council.name,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for screen, cc in self._councils():
            name = cc.council.nice_name or cc.council.name
            label = f"{name} ({cc.stories})"
            score = max(matcher.match(label), matcher.match(f"{cc.council.name} {cc.council.code}"))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(screen.jump_to_council, cc),
                    text=label,
                    help=cc.council.name,
                )
