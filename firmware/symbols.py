"""Prints the names of the functions and objects an ELF32 little-endian
image defines, one a line, from its symbol table (no binutils needed).
Usage: python3 symbols.py IMAGE"""
import struct
import sys

data = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<I", data, 0x20)
shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
sections = [struct.unpack_from("<10I", data, shoff + k * shentsize) for k in range(shnum)]
for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
    if kind != 2:  # SHT_SYMTAB
        continue
    strtab = sections[link][4]
    for at in range(offset, offset + size, entsize):
        name, _value, _size, info, _other, shndx = struct.unpack_from("<IIIBBH", data, at)
        if shndx != 0 and (info & 0xF) in (1, 2):  # defined STT_OBJECT, STT_FUNC
            end = data.index(b"\0", strtab + name)
            print(data[strtab + name:end].decode())
