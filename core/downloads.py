"""Tables as downloads: kept as the import path of ``table_response`` for pages that offer a plain table.

Everything is written by the one renderer (``core.render``), which neutralises formula injection in CSV and XLSX.
"""

from core.render import XLSX_TYPE, table_response

FORMATS = ("csv", "json", "xlsx")

__all__ = ["FORMATS", "XLSX_TYPE", "table_response"]
