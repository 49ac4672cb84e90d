// cfgtui: a terminal explorer for PCI/PCIe configuration space. GPL-2.0-or-later.
CfgTUICommand.main()
