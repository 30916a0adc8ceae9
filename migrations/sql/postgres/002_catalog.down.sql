DROP TABLE availabilities;
DROP TABLE products;
DROP TABLE course_tas;
DROP TABLE courses;
