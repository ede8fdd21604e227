DROP TABLE export_link_uses;
