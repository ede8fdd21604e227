DROP TABLE widgets;
DROP TABLE points;
DROP TABLE transformers;
DROP TABLE sources;
DROP TABLE connections;
