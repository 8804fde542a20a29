"""The cuttable proxy, against a real PostgreSQL server."""

from __future__ import annotations

import psycopg
import pytest

from tests import servers
from tests.proxy import TcpProxy


def test_cut_and_restore() -> None:
    servers.require(["postgresql"])
    address = servers.Address.of("postgresql")
    with TcpProxy(address.host, address.port) as proxy:
        url = f"postgresql://{address.user}@127.0.0.1:{proxy.port}/postgres"
        with psycopg.connect(url, connect_timeout=2) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
            proxy.cut()
            with pytest.raises(psycopg.OperationalError):
                connection.execute("SELECT 1")
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=2)
        proxy.restore()
        with psycopg.connect(url, connect_timeout=2) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
