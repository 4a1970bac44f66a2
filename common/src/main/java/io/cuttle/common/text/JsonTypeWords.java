package io.cuttle.common.text;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a JSON value of a Java type looks like, in words a person writing JSON knows. */
final class JsonTypeWords {
  private JsonTypeWords() {}

  /** For example "a string", "a list of strings", "one of bash, sh". */
  static String expected(Type type) {
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] arguments = parameterized.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        return "a list of " + plural(arguments[0]);
      }
      if (Map.class.isAssignableFrom(raw)) {
        return "an object whose values are " + plural(arguments[1]);
      }
      return expected(raw);
    }
    if (!(type instanceof Class<?> c)) {
      return "a value of another kind";
    }
    if (c.isEnum()) {
      return "one of " + constants(c);
    }
    if (c.isArray()) {
      return "a list of " + plural(c.getComponentType());
    }
    return switch (kind(c)) {
      case "string" -> "a string";
      case "whole" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "list" -> "a list";
      default -> "a JSON object";
    };
  }

  private static String plural(Type type) {
    Class<?> c =
        type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
            ? raw
            : type instanceof Class<?> plain ? plain : Object.class;
    if (c.isEnum()) {
      return "values among " + constants(c);
    }
    return switch (kind(c)) {
      case "string" -> "strings";
      case "whole" -> "whole numbers";
      case "number" -> "numbers";
      case "boolean" -> "true or false values";
      case "list" -> "lists";
      default -> "JSON objects";
    };
  }

  private static String kind(Class<?> c) {
    if (c == String.class || c == CharSequence.class || c == char.class || c == Character.class) {
      return "string";
    }
    if (c == Integer.class
        || c == int.class
        || c == Long.class
        || c == long.class
        || c == Short.class
        || c == short.class
        || c == Byte.class
        || c == byte.class
        || c == BigInteger.class) {
      return "whole";
    }
    if (Number.class.isAssignableFrom(c) || c == double.class || c == float.class) {
      return "number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "boolean";
    }
    if (c.isArray() || Collection.class.isAssignableFrom(c)) {
      return "list";
    }
    return "object";
  }

  private static String constants(Class<?> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(String::valueOf)
        .collect(Collectors.joining(", "));
  }

  /** Field names in the order {@code type} declares them (a record's), else alphabetical. */
  static Comparator<String> declarationOrder(Class<?> type) {
    List<String> declared =
        type != null && type.isRecord()
            ? Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList()
            : List.of();
    return Comparator.<String>comparingInt(
            name -> declared.contains(name) ? declared.indexOf(name) : declared.size())
        .thenComparing(Comparator.naturalOrder());
  }

  /**
   * The declared type, generics included, of the field {@code name} of the object being read (a
   * record component or a field), or null where there is none: Jackson reports only the erased
   * class ({@code ArrayList}), and "a list of strings" says more than "a list".
   */
  static Type declaredType(Object from, String name) {
    if (from == null || name == null || from instanceof Map || from instanceof Collection) {
      return null;
    }
    Class<?> type = from instanceof Class<?> c ? c : from.getClass();
    if (type.isRecord()) {
      for (RecordComponent component : type.getRecordComponents()) {
        if (component.getName().equals(name)) {
          return component.getGenericType();
        }
      }
      return null;
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (c.getName().startsWith("java.")) {
        return null;
      }
      for (Field field : c.getDeclaredFields()) {
        if (field.getName().equals(name)) {
          return field.getGenericType();
        }
      }
    }
    return null;
  }
}
