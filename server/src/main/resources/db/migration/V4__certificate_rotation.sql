-- Certificate rotation: a tentacle may have a second certificate, added over the polling channel
-- with its current one, that the polling listener accepts beside it. The first poll made with the
-- new certificate moves it into thumbprint and retires the old one. A thumbprint belongs to one
-- tentacle in either column; the code checks across both columns, the constraint within this one.
ALTER TABLE tentacles ADD COLUMN next_thumbprint CHAR(64);
ALTER TABLE tentacles ADD CONSTRAINT tentacles_next_thumbprint_unique UNIQUE (next_thumbprint);
