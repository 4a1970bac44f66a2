package io.cuttle.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sizes the server checks values against are those of the migrated schema's columns. */
class ColumnTest {
  @TempDir Path data;

  @Test
  void everyLimitIsTheSizeOfItsColumnInTheMigratedSchema() {
    try (Database database = Database.open(Database.embeddedUrl(data), null, null)) {
      for (Column column : Column.values()) {
        Integer size =
            database
                .jdbi()
                .withHandle(
                    h ->
                        h.createQuery(
                                "SELECT CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS"
                                    + " WHERE TABLE_NAME = :table AND COLUMN_NAME = :column")
                            .bind("table", column.table().toUpperCase(Locale.ROOT))
                            .bind("column", column.columnName().toUpperCase(Locale.ROOT))
                            .mapTo(Integer.class)
                            .findOne()
                            .orElse(null));

        assertThat(size).as(column.table() + "." + column.columnName()).isNotNull();
        assertThat(column.maxChars())
            .as(column.table() + "." + column.columnName())
            .isEqualTo(size);
      }
    }
  }
}
