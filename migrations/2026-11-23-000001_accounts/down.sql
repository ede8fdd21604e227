DROP TABLE assistants;
DROP TABLE users;
